import BNNKernels
import Testing

@testable import BNNDeploy

@Suite("Output layer in fixed point")
struct OutputFixedPointTests {
    @Test("the binary point keeps scales in int32 and scores below 2^62")
    func binaryPoint() throws {
        let f = try OutputFixedPoint(slopes: [0.03, -0.5, 0], intercepts: [1.5, -2, 0.25], largestSum: 1024)
        #expect(f.scale.allSatisfy { $0 != Int32.min })
        #expect(abs(Double(f.scale[1])) <= Double(Int32.max) && abs(Double(f.scale[1])) > Double(Int32.max) / 2)
        #expect(f.score(1, sum: 1024) < 0 && f.score(0, sum: 1024) > 0)
        let unit = Double(sign: .plus, exponent: f.fractionBits, significand: 1)
        #expect(abs(Double(f.score(0, sum: -1024)) / unit - (0.03 * -1024 + 1.5)) < 1e-6)
    }
}
