import BNNDashboard
import BNNEngine
import Foundation

/// What the server knows about its run beyond snapshots, sent once in the server's
/// hello: the dashboard's header facts, one definition (`DashboardHeader`), its
/// property names the JSON keys.
public typealias SessionHeader = DashboardHeader

/// A message from a run's server to an attached client.
public enum ServerMessage: Sendable, Equatable {
    /// First frame: the protocol version, the serving process and its run.
    case hello(version: Int, pid: Int32, run: String, header: SessionHeader)
    /// The run's state now; the history arrives separately in `epochs`.
    case snapshot(WireSnapshot)
    /// Epochs `from`, `from + 1`, … of the history (0-based).
    case epochs(from: Int, [EpochMetrics])
    /// The answer to a `save` request: the checkpoint's path, or why it failed.
    case saved(id: Int, path: String?, error: String?)
    /// The server is closing this connection (the run ended, or the peer misbehaved).
    case bye(reason: String)
}

/// A message from an attached client to the run's server.
public enum ClientMessage: Sendable, Equatable {
    case hello(version: Int)
    case pause
    case resume
    case setLearningRate(Double)
    /// Write a checkpoint into `directory` (absolute) as bnn-tui-<run>.ckpt; answered by `saved`.
    case save(id: Int, directory: String)
}

/// Why a frame's payload is not a message of this protocol (one line, for the log).
public struct MessageError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Encoding

/// One JSON object per message: "type" plus the fields of its case. Epochs use
/// `EpochMetrics`' keys, and NaN and infinities travel as the strings "nan",
/// "inf", "-inf": the rules of `MetricsSchema`, with its encoder and decoder.
private struct Envelope: Codable {
    var type: String
    var version: Int?
    var pid: Int32?
    var run: String?
    var header: SessionHeader?
    var snapshot: WireSnapshot?
    var from: Int?
    var epochs: [EpochMetrics]?
    var id: Int?
    var path: String?
    var error: String?
    var reason: String?
    var value: Double?
    var directory: String?

    init(type: String) { self.type = type }
}

private enum MessageCoding {
    static func encoder() -> JSONEncoder { MetricsSchema.makeEncoder() }
    static func decoder() -> JSONDecoder { MetricsSchema.makeDecoder() }

    static func encode(_ envelope: Envelope) -> [UInt8] {
        // Every field is a plain value, so encoding cannot fail.
        FrameDecoder.frame(Array((try? encoder().encode(envelope)) ?? Data("{}".utf8)))
    }

    static func decode(_ payload: [UInt8]) throws(MessageError) -> Envelope {
        do {
            return try decoder().decode(Envelope.self, from: Data(payload))
        } catch let error as DecodingError {
            throw MessageError("not a message: \(reason(error))")
        } catch {
            throw MessageError("not a message")
        }
    }
}

/// The key a decoding error is about, in a few words.
private func reason(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
    case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
        let path = c.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? "not a JSON object" : "bad value at '\(path.prefix(80))'"
    @unknown default: return "undecodable"
    }
}

extension ServerMessage {
    /// The frame (length + JSON) for this message.
    public var frame: [UInt8] {
        var e: Envelope
        switch self {
        case .hello(let version, let pid, let run, let header):
            e = Envelope(type: "hello"); e.version = version; e.pid = pid; e.run = run; e.header = header
        case .snapshot(let s): e = Envelope(type: "snapshot"); e.snapshot = s
        case .epochs(let from, let epochs): e = Envelope(type: "epochs"); e.from = from; e.epochs = epochs
        case .saved(let id, let path, let error): e = Envelope(type: "saved"); e.id = id; e.path = path; e.error = error
        case .bye(let reason): e = Envelope(type: "bye"); e.reason = reason
        }
        return MessageCoding.encode(e)
    }

    /// Decodes one frame's payload, checking that every value is one a real server could send.
    public init(payload: [UInt8]) throws(MessageError) {
        let e = try MessageCoding.decode(payload)
        func need<T>(_ value: T?, _ key: String) throws(MessageError) -> T {
            guard let value else { throw MessageError("'\(e.type)' message without '\(key)'") }
            return value
        }
        switch e.type {
        case "hello":
            self = .hello(version: try need(e.version, "version"), pid: try need(e.pid, "pid"),
                          run: try need(e.run, "run"), header: try need(e.header, "header"))
        case "snapshot":
            let s = try need(e.snapshot, "snapshot")
            guard s.isPlausible else { throw MessageError("snapshot with out-of-range values") }
            self = .snapshot(s)
        case "epochs":
            let from = try need(e.from, "from"), epochs = try need(e.epochs, "epochs")
            guard from >= 0, from <= 100_000_000, epochs.count <= 100_000 else {
                throw MessageError("epochs from \(from) out of range")
            }
            self = .epochs(from: from, epochs)
        case "saved": self = .saved(id: try need(e.id, "id"), path: e.path, error: e.error)
        case "bye": self = .bye(reason: try need(e.reason, "reason"))
        default: throw MessageError("unknown message type '\(e.type.prefix(40))'")
        }
    }
}

extension ClientMessage {
    /// The frame (length + JSON) for this message.
    public var frame: [UInt8] {
        var e: Envelope
        switch self {
        case .hello(let version): e = Envelope(type: "hello"); e.version = version
        case .pause: e = Envelope(type: "pause")
        case .resume: e = Envelope(type: "resume")
        case .setLearningRate(let value): e = Envelope(type: "lr"); e.value = value
        case .save(let id, let directory): e = Envelope(type: "save"); e.id = id; e.directory = directory
        }
        return MessageCoding.encode(e)
    }

    /// Decodes one frame's payload; a learning rate must be positive and finite, a
    /// save directory an absolute path.
    public init(payload: [UInt8]) throws(MessageError) {
        let e = try MessageCoding.decode(payload)
        switch e.type {
        case "hello":
            guard let version = e.version else { throw MessageError("'hello' without 'version'") }
            self = .hello(version: version)
        case "pause": self = .pause
        case "resume": self = .resume
        case "lr":
            guard let value = e.value, value.isFinite, value > 0 else {
                throw MessageError("'lr' needs a positive finite 'value'")
            }
            self = .setLearningRate(value)
        case "save":
            guard let id = e.id, let directory = e.directory, directory.hasPrefix("/"), directory.utf8.count < 4096,
                  !directory.utf8.contains(0) else {
                throw MessageError("'save' needs an 'id' and an absolute 'directory'")
            }
            self = .save(id: id, directory: directory)
        default: throw MessageError("unknown message type '\(e.type.prefix(40))'")
        }
    }
}
