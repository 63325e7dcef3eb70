/// A raw pointer handed to parallel tasks that write disjoint parts of one buffer.
///
/// `DispatchQueue.concurrentPerform` takes a `@Sendable` closure; raw pointers are
/// not `Sendable`, so this wrapper states the invariant instead: every task
/// touches only its own rows, columns or chunk. It is the package's one such box.
public struct SendablePointer<Pointee>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Pointee>

    public init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }

    /// Boxes a read-only pointer (the tasks only read through it).
    public init(readOnly pointer: UnsafePointer<Pointee>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}
