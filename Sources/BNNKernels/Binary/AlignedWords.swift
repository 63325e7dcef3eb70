/// Zero-initialized 64-bit words on a 64-byte (cache-line) boundary.
///
/// Packed rows are padded to whole cache lines, so with an aligned base every
/// row starts on a line and the 512-bit loads of the AVX-512 kernel never split.
/// The class is `@unchecked Sendable` because its owners either never mutate it
/// after building it (`BitPackedMatrix`, copy-on-write) or only write disjoint
/// ranges from parallel tasks (`PackedPredictor`'s scratch).
final class AlignedWords: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt64>
    let count: Int

    init(count: Int) {
        precondition(count >= 0)
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 8, alignment: 64)
        pointer = raw.bindMemory(to: UInt64.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    func copy() -> AlignedWords {
        let other = AlignedWords(count: count)
        other.pointer.update(from: pointer, count: count)
        return other
    }
}
