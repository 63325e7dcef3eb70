import BNNData
import CZlib
import BNNSupport

/// A fuzz input read as "control byte, then the uncompressed content of a file",
/// turned into a gzip file and then damaged (or not) as the control byte says:
///
/// | control % 4 | the gzip file                                                     |
/// |-------------|-------------------------------------------------------------------|
/// | 0           | intact: the reader must treat it exactly as the plain file       |
/// | 1           | cut after k/64 of its bytes (k = control / 4)                     |
/// | 2           | one bit flipped at k/64 of its length (header, deflate or trailer)|
/// | 3           | followed by a second copy of itself (k even) or k garbage bytes   |
///
/// For intact files the target is differential: the plain file and its gzip
/// must load to the same bytes or fail with the same message.
struct GzipInput {
    let control: UInt8
    let content: UnsafeRawBufferPointer

    init(_ input: UnsafeRawBufferPointer) {
        control = input.first ?? 0
        content = input.isEmpty ? input : UnsafeRawBufferPointer(rebasing: input[1...])
    }

    /// Writes the plain and the gzip file under `name` and `name.gz`, reads both with `read`
    /// (the path, and the plain content to check a success against), and compares.
    func run(scratch: ScratchFile, name: String,
             read: (String, UnsafeRawBufferPointer?) -> FuzzOutcome) -> FuzzOutcome {
        let gzipPath = scratch.path(name + ".gz")
        var compressed = Self.gzip(content, scratchPath: gzipPath)
        let mode = control % 4, k = Int(control / 4)
        switch mode {
        case 1: compressed.removeLast(compressed.count - compressed.count * k / 64)
        case 2: compressed[min(compressed.count - 1, compressed.count * k / 64)] ^= 1 << UInt8(k % 8)
        case 3: compressed += k % 2 == 0 ? compressed : [UInt8](repeating: 0xA5, count: k)
        default: break
        }
        compressed.withUnsafeBytes { _ = scratch.write($0, to: name + ".gz") }
        guard mode == 0 else { return read(gzipPath, nil) }

        let fromGzip = read(gzipPath, content)
        let startsWithGzipMagic = content.count >= 2 && content[0] == 0x1F && content[1] == 0x8B
        if fromGzip.isViolation || startsWithGzipMagic { return fromGzip }
        let plainPath = scratch.write(content, to: name)
        let fromPlain = read(plainPath, content)
        switch (fromPlain, fromGzip) {
        case (.loaded(let a), .loaded(let b)) where a == b:
            return fromGzip
        case (.rejected(let a), .rejected(let b))
            where a.replacingAll(plainPath, with: "FILE") == b.replacingAll(gzipPath, with: "FILE"):
            return fromGzip
        case (.violation, _):
            return fromPlain
        default:
            return .violation("plain and gzip copies of the same bytes disagree: plain \(fromPlain), gzip \(fromGzip)")
        }
    }

    /// `bytes` as a gzip file (zlib's default level), written through `scratchPath`.
    static func gzip(_ bytes: UnsafeRawBufferPointer, scratchPath: String) -> [UInt8] {
        guard let out = gzopen(scratchPath, "wb") else { fatalError("gzopen \(scratchPath) failed") }
        if let base = bytes.baseAddress, !bytes.isEmpty {
            precondition(gzwrite(out, base, UInt32(bytes.count)) == Int32(bytes.count), "gzwrite failed")
        }
        precondition(gzclose(out) == Z_OK, "gzclose failed")
        guard let file = fopen(scratchPath, "rb") else { fatalError("cannot reopen \(scratchPath)") }
        defer { fclose(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            result += chunk[0..<n]
        }
        return result
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (Foundation-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
