import BNNSupport

/// Why a control socket could not be created, reached or kept: one line naming the path.
public struct SocketError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    /// One printable line: the path and the reason may come from a peer or the command line.
    public var description: String { "\(path.escapingControlCharacters): \(reason.escapingControlCharacters)" }
}
