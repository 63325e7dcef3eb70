/// A failure to read or write a file, as one line naming it: "cannot write PATH: REASON".
/// One definition for both directions (`FileContents.ReadError`, `AtomicFile.WriteError`);
/// the type parameter only says which, so a reader's and a writer's errors stay apart.
public struct FileError<Access: FileAccess>: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { "cannot \(Access.verb) \(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Which way a `FileError` went.
public protocol FileAccess: Sendable { static var verb: String { get } }
/// Reading a file (`FileContents`).
public enum FileReading: FileAccess { public static let verb = "read" }
/// Writing a file (`AtomicFile`, the metrics writer).
public enum FileWriting: FileAccess { public static let verb = "write" }
