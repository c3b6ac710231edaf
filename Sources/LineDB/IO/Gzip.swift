import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gzip (RFC 1952) through the system's zlib: one member written per call site, multi-member files read as one
/// stream. Standard files: `zcat`, `gzip -t` and `jq` read them. No deflate of our own: zlib is the well-kept
/// library for it.
package enum Gzip {
    /// The compression level LineDB writes: zlib's 1 (fastest). On the benchmark's 1M students it keeps the file at
    /// 19 % of the plain one (`linedb-bench --gzip`, README "Benchmarks"), under the 30 % target; a save after an
    /// update recompresses the whole table, so speed matters more than the last percent.
    package static let level: Int32 = 1

    /// The gzip magic and deflate method: the first three bytes of every member.
    static let magic: [UInt8] = [0x1f, 0x8b, 0x08]

    /// `bytes` as one complete gzip member.
    package static func member(_ bytes: [UInt8], level: Int32 = Gzip.level) -> [UInt8] {
        let writer = GzipMemberWriter(level: level)
        var out: [UInt8] = []
        bytes.withUnsafeBytes { writer.write($0, into: &out) }
        writer.finish(into: &out)
        return out
    }

    /// Decompresses a whole (multi-member) gzip file held in memory: for archives and tests. A torn or damaged
    /// member is an error naming `path` and the byte where the member starts.
    package static func decompress(_ bytes: [UInt8], path: String) throws(LineDBError) -> [UInt8] {
        let inflater = GzipInflater(path: path)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var input = GzipInput.memory(bytes)
        while true {
            let n = try chunk.withMutableBytes { (raw) throws(LineDBError) -> Int in
                try inflater.read(into: raw, from: &input)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        if let torn = inflater.tornMember {
            throw .corrupt(
                path: path, line: nil, column: nil, byteOffset: torn.offset,
                reason: "incomplete last gzip member (\(torn.bytes) bytes from byte \(torn.offset)): \(torn.reason)",
                hint: nil)
        }
        return out
    }

    /// Whether the bytes start like a gzip member.
    package static func looksLikeGzip(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }
}

/// One gzip member written in pieces (deflate with windowBits 15+16), so that a large table is compressed while it
/// is encoded, never whole in memory.
package final class GzipMemberWriter {
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)
    private var ended = false

    package init(level: Int32 = Gzip.level) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = czlib_deflate_init_gzip(stream, level)
        // Only a bad level or no memory can fail here: a programming error or a dying process.
        precondition(rc == Z_OK, "zlib deflateInit2 failed (\(rc))")
    }

    deinit {
        if !ended { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `bytes`, appending what zlib emits to `out`.
    package func write(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
        run(flush: Z_NO_FLUSH, into: &out)
    }

    /// Ends the member (the deflate end block and the CRC-32 and size trailer), appending to `out`.
    package func finish(into out: inout [UInt8]) {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        run(flush: Z_FINISH, into: &out)
        deflateEnd(stream)
        ended = true
    }

    private func run(flush: Int32, into out: inout [UInt8]) {
        let count = scratch.count
        scratch.withUnsafeMutableBufferPointer { buffer in
            while true {
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(count)
                let rc = deflate(stream, flush)
                let produced = count - Int(stream.pointee.avail_out)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<produced]))
                if rc == Z_STREAM_END { return }
                precondition(rc == Z_OK || rc == Z_BUF_ERROR, "zlib deflate failed (\(rc))")
                if flush == Z_NO_FLUSH && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return }
            }
        }
    }
}

/// Where an inflater reads compressed bytes: a file (in blocks, with `pread`) or memory.
package enum GzipInput {
    case file(io: FileIO, fd: Int32, size: Int)
    case memory([UInt8])

    var size: Int {
        switch self {
        case .file(_, _, let size): return size
        case .memory(let bytes): return bytes.count
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws(LineDBError) -> Int {
        switch self {
        case .file(let io, let fd, _):
            return try io.pread(fd, into: buffer, offset: offset, path: path)
        case .memory(let bytes):
            let n = max(0, min(buffer.count, bytes.count - offset))
            if n > 0 { bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) } }
            return n
        }
    }
}

/// Decompresses a multi-member gzip stream front to back (inflate with windowBits 15+16, `inflateReset` at each
/// member's end), handing out the decompressed bytes as a plain file would.
///
/// The end of the stream is judged like a records file's torn tail: a last member that stops early (the file ends
/// inside it, or the bytes from some point on are zeros or garbage) is what a `kill -9` or a power cut during the
/// append of one member leaves. Reading then stops at that member's damage (the bytes it decompressed before are a
/// prefix of what was appended), and ``tornMember`` says where it starts. The first member is never torn (it is
/// written by durable replace), and a damaged member followed by an intact one is damage: both are refused with an
/// error naming the file and the byte where the member starts.
package final class GzipInflater {
    /// A last member that the stream ended in.
    package struct TornMember: Sendable, Equatable {
        /// Byte offset of the member in the compressed file.
        package var offset: Int
        /// Its length in the compressed file, to the end of the file.
        package var bytes: Int
        /// What zlib said, or that the file ended.
        package var reason: String
    }

    let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private var inputBuffer: UnsafeMutableRawBufferPointer
    /// File offset just past the bytes read into `inputBuffer`.
    private var fileOffset = 0
    /// Where the member being read starts in the file.
    private var memberStart = 0
    private var inputAtEnd = false
    private var finished = false
    /// Complete members read so far.
    package private(set) var members = 0
    /// The incomplete last member the stream ended in, if any (known once ``read(into:from:)`` returned 0).
    package private(set) var tornMember: TornMember?
    /// Decompressed bytes handed out so far.
    package private(set) var decompressedBytes = 0

    package init(path: String, inputBlock: Int = 1 << 18) {
        self.path = path
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = czlib_inflate_init_gzip(stream)
        precondition(rc == Z_OK, "zlib inflateInit2 failed (\(rc))")
        inputBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: inputBlock, alignment: 16)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        inputBuffer.deallocate()
    }

    /// Compressed bytes consumed so far (for progress against the file's size).
    package var compressedOffset: Int { fileOffset - Int(stream.pointee.avail_in) }

    /// Fills `out` with decompressed bytes; fewer than `out.count` only at the end of the stream, 0 after it.
    package func read(into out: UnsafeMutableRawBufferPointer, from input: inout GzipInput) throws(LineDBError) -> Int {
        guard let outBase = out.baseAddress, !finished else { return 0 }
        var produced = 0
        while produced < out.count {
            if stream.pointee.avail_in == 0 {
                if !inputAtEnd {
                    let n = try input.read(into: inputBuffer, at: fileOffset, path: path)
                    if n == 0 {
                        inputAtEnd = true
                    } else {
                        fileOffset += n
                        stream.pointee.next_in = inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                        stream.pointee.avail_in = uInt(n)
                    }
                    continue
                }
                if compressedOffset == memberStart {
                    finished = true  // the file ends where a member ended: a clean end
                    break
                }
                try endInDamage("the file ends inside the member", input: input)
                break
            }
            stream.pointee.next_out = (outBase + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(out.count - produced)
            let rc = inflate(stream, Z_NO_FLUSH)
            produced = out.count - Int(stream.pointee.avail_out)
            switch rc {
            case Z_STREAM_END:
                members += 1
                memberStart = compressedOffset
                inflateReset(stream)
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                try endInDamage(message, input: input)
            }
            if finished { break }
        }
        decompressedBytes += produced
        return produced
    }

    /// The member at `memberStart` cannot be read to its end: a torn last member, or damage (thrown).
    private func endInDamage(_ reason: String, input: GzipInput) throws(LineDBError) {
        let size = input.size
        let damage = LineDBError.corrupt(
            path: path, line: nil, column: nil, byteOffset: memberStart,
            reason: "gzip member \(members + 1) (from byte \(memberStart)) cannot be read: \(reason)",
            hint: nil)
        if memberStart == 0 {
            throw damage  // the first member is written whole by a durable replace: never torn
        }
        if try intactMemberFollows(after: memberStart, input: input) {
            throw LineDBError.corrupt(
                path: path, line: nil, column: nil, byteOffset: memberStart,
                reason: "gzip member \(members + 1) (from byte \(memberStart)) cannot be read (\(reason)), and an intact member follows it: damage, not a torn append",
                hint: nil)
        }
        tornMember = TornMember(offset: memberStart, bytes: size - memberStart, reason: reason)
        finished = true
    }

    /// Whether a complete member starts anywhere after `start` (only asked when a member is damaged).
    private func intactMemberFollows(after start: Int, input: GzipInput) throws(LineDBError) -> Bool {
        let count = input.size - start
        guard count > Gzip.magic.count else { return false }
        var rest = [UInt8](repeating: 0, count: count)
        let got = try rest.withMutableBytes { (raw) throws(LineDBError) -> Int in
            var n = 0
            while n < count {
                let k = try input.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[n...]), at: start + n, path: path)
                if k == 0 { break }
                n += k
            }
            return n
        }
        rest.removeLast(count - got)
        var i = 1
        while i + 2 < rest.count {
            if rest[i] == 0x1f && rest[i + 1] == 0x8b && rest[i + 2] == 0x08 && Gzip.isCompleteMember(rest, at: i) {
                return true
            }
            i += 1
        }
        return false
    }
}

extension Gzip {
    /// Whether a whole member decompresses from `bytes[offset...]` (CRC and size checked by zlib).
    static func isCompleteMember(_ bytes: [UInt8], at offset: Int) -> Bool {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard czlib_inflate_init_gzip(stream) == Z_OK else { return false }
        var sink = [UInt8](repeating: 0, count: 1 << 16)
        return bytes.withUnsafeBytes { raw in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(bytes.count - offset)
            return sink.withUnsafeMutableBufferPointer { out in
                while true {
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    let rc = inflate(stream, Z_NO_FLUSH)
                    if rc == Z_STREAM_END { return true }
                    if rc != Z_OK { return false }
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return false }
                }
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeMutableBytes` for a body that throws ``LineDBError``.
    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(LineDBError) -> R)
        throws(LineDBError) -> R
    {
        var result: Result<R, LineDBError>? = nil
        withUnsafeMutableBytes { raw in
            do throws(LineDBError) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }
}
