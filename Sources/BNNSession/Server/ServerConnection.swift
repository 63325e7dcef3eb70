import BNNSupport

/// One attached client as the server's loop sees it: its socket, the bytes
/// waiting to go out, the frame being received, and how much of the run's
/// history and which snapshot it has been sent.
final class ServerConnection {
    enum Phase { case awaitingHello, attached, closing }

    private(set) var fd: Int32
    let peer: UnixSocket.PeerCredentials
    let id: Int
    var phase = Phase.awaitingHello
    var decoder = FrameDecoder()
    var output: [UInt8] = []
    var outputStart = 0
    /// When the client's hello is due, or when the frame it started must be complete.
    var deadline: Double
    var sentEpochs = 0
    var sentVersion: UInt64?
    var sentState: String?

    init(fd: Int32, peer: UnixSocket.PeerCredentials, id: Int, deadline: Double) {
        self.fd = fd; self.peer = peer; self.id = id; self.deadline = deadline
    }

    /// After `close`: the loop removes connections with a negative descriptor.
    func markClosed() { fd = -1 }

    var queuedBytes: Int { output.count - outputStart }

    func queue(_ frame: [UInt8]) { output += frame }

    /// Writes what the socket takes now; false when the peer is gone.
    func flush() -> Bool {
        while outputStart < output.count {
            let n = output.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + outputStart, raw.count - outputStart, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK
            }
            outputStart += n
        }
        output.removeAll(keepingCapacity: true)
        outputStart = 0
        return true
    }

    /// "uid 1000 pid 4242", for log lines.
    var who: String { "client \(id) (uid \(peer.uid), pid \(peer.pid))" }
}
