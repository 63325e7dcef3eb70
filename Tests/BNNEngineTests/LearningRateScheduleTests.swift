import Testing
@testable import BNNEngine

@Suite struct LearningRateScheduleTests {
    func rates(_ s: LearningRateSchedule, epochs: Int, from start: Double? = nil, completed: Int = 0) -> [Double] {
        var rate = start ?? s.start, out: [Double] = []
        for done in (completed + 1)...epochs {
            out.append(rate)
            if done < epochs { rate = s.nextRate(after: rate, remainingEpochs: epochs - done) }
        }
        return out
    }

    @Test func exponentialGoesFromStartToEndGeometrically() {
        let r = rates(.exponential(start: 0.003, end: 0.00003), epochs: 5)
        #expect(r.count == 5)
        #expect(abs(r[0] - 0.003) < 1e-15 && abs(r[4] - 0.00003) < 1e-15)
        for i in 1..<5 { #expect(abs(r[i] / r[i - 1] - 0.316227766) < 1e-6) }
    }

    @Test func resumingWithMoreEpochsStillEndsAtTheEndRate() {
        let s = LearningRateSchedule.exponential(start: 0.01, end: 0.0001)
        let first = rates(s, epochs: 2)
        let more = rates(s, epochs: 6, from: first.last!, completed: 2)
        #expect(more.count == 4 && abs(more.last! - 0.0001) < 1e-15)
        #expect(more.allSatisfy { $0 >= 0.0001 - 1e-15 })
    }

    @Test func liveChangeDecaysFromTheNewValue() {
        let s = LearningRateSchedule.exponential(start: 0.01, end: 0.0001)
        // Doubled by the user during epoch 3 of 5: epochs 4 and 5 go from 0.02 to the end rate.
        let next = s.nextRate(after: 0.02, remainingEpochs: 2)
        #expect(next < 0.02 && next > 0.0001)
        #expect(abs(s.nextRate(after: next, remainingEpochs: 1) - 0.0001) < 1e-15)
    }

    @Test func factorMultipliesAndConstantKeeps() {
        #expect(rates(.factor(start: 1, lambda: 0.5), epochs: 4) == [1, 0.5, 0.25, 0.125])
        #expect(rates(.constant(0.1), epochs: 3) == [0.1, 0.1, 0.1])
    }
}
