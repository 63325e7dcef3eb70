/// The constants of the control-socket protocol that `train --control` serves
/// and `attach` speaks, in one place.
///
/// Every message is one frame: a 4-byte big-endian payload length, then that
/// many bytes of UTF-8 JSON (one object with a "type" key). The first frame
/// each way is a `hello` carrying `version`; a peer speaking another version
/// is told so and disconnected. docs/sessions.md documents the messages.
public enum SessionProtocol {
    /// The protocol version this build speaks.
    public static let version = 1
    /// Largest payload accepted in one frame (1 MiB). Epoch history is sent in
    /// chunks well below it; a bigger frame closes the connection.
    public static let maximumMessageBytes = 1 << 20
    /// Epochs per `epochs` frame (each epoch is about 1-2 KB of JSON).
    public static let epochsPerFrame = 64
    /// Seconds a peer has to send its `hello`, and to finish a frame it has begun.
    public static let messageTimeout = 5.0
    /// How often the server looks for a new snapshot while clients are attached.
    public static let publishInterval = 0.1
    /// Bytes queued for a client that does not read before it is disconnected.
    public static let maximumQueuedBytes = 16 << 20
}
