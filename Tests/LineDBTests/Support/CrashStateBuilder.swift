#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import LineDB
import LineDBTestSupport

/// One concrete state of the disk after a power cut: which names exist (a ``RecordingFileIO/Tree``) and what each
/// file holds.
struct CrashState {
    typealias Tree = RecordingFileIO.Tree

    /// The kind of state, e.g. `(a) unsynced data and directory changes dropped`.
    var kind: String
    /// The recorder's root: the tree's paths start with it.
    var root: String
    var tree: Tree
    /// Content by inode id.
    var contents: [Int: [UInt8]]

    /// A byte string that is equal for two states exactly when they materialise to the same files and links
    /// (used to open each distinct state once).
    var key: [UInt8] {
        var out: [UInt8] = []
        var firstPath: [Int: String] = [:]
        RecordingFileIO.walk(tree, from: root) { path, entry in
            out += Array(path.utf8)
            switch entry {
            case .directory:
                out += Array("/\n".utf8)
            case .file(let id):
                if let first = firstPath[id] {
                    out += Array(" -> \(first)\n".utf8)
                } else {
                    firstPath[id] = path
                    let bytes = contents[id] ?? []
                    out += Array(" \(bytes.count)\n".utf8) + bytes + [10]
                }
            }
        }
        return out
    }

    /// Writes the state into `dir` (which must not exist): `dir` plays the role of the recorder's root. Two names of
    /// one inode become hard links, as on the real disk.
    func materialize(into dir: String) {
        precondition(Glibc.mkdir(dir, 0o755) == 0, "cannot create \(dir): \(String(cString: strerror(errno)))")
        var written: [Int: String] = [:]
        RecordingFileIO.walk(tree, from: root) { path, entry in
            let target = dir + path.dropFirst(root.count)
            switch entry {
            case .directory:
                precondition(Glibc.mkdir(target, 0o755) == 0, "cannot create \(target)")
            case .file(let id):
                if let first = written[id] {
                    precondition(Glibc.link(first, target) == 0, "cannot link \(target)")
                } else {
                    FaultHelpers.write(target, contents[id] ?? [])
                    written[id] = target
                }
            }
        }
    }
}

/// Builds the crash states of one ``RecordingFileIO/CrashPoint`` (test B1, PowerLossTests):
/// - (a) every unsynced data change and directory change dropped;
/// - (b) unsynced data kept, unsynced directory changes dropped;
/// - (c) the last unsynced write torn at a random byte (one state per seed), everything else kept;
/// - (d) the unsynced extension of each file zero-filled (its size grew, its data did not);
/// - (e) one earlier unsynced block of a file dropped while the later ones are kept (R4's reordered append);
/// - (f) the first `k` pending directory changes kept (journal order), with unsynced data dropped or kept.
/// (c), (d) and (e) are built both with the pending directory changes kept and dropped.
enum CrashStateBuilder {
    /// The unit in which the page cache writes a file back, so the unit of reordering in (e).
    static let blockSize = 4096
    /// At most this many (e) states per file and crash point.
    static let maxReorderStates = 4

    static func states(of point: RecordingFileIO.CrashPoint, seeds: [UInt64] = [1, 2, 3]) -> [CrashState] {
        let inodes = point.inodes
        let durable = inodes.mapValues(\.durable)
        let current = inodes.mapValues(\.current)
        let pendingDirs = point.pendingDirOps.count
        let durableTree = point.durableTree
        let fullTree = point.tree(keepingPending: pendingDirs)
        func state(_ kind: String, _ tree: CrashState.Tree, _ contents: [Int: [UInt8]]) -> CrashState {
            CrashState(kind: kind, root: point.root, tree: tree, contents: contents)
        }

        var result: [CrashState] = [
            state("(a) unsynced data and directory changes dropped", durableTree, durable),
            state("(b) unsynced data kept, unsynced directory changes dropped", durableTree, current),
        ]
        var dataVariants: [(String, [Int: [UInt8]])] = []

        // (c) The last unsynced write, torn.
        let lastWrite = inodes.flatMap { id, inode in inode.pending.map { (id, $0) } }
            .filter { if case .write = $0.1 { return true } else { return false } }
            .max { $0.1.seq < $1.1.seq }
        if let (id, op) = lastWrite, case .write(let seq, let offset, let bytes, let before) = op, bytes.count > 1 {
            for seed in seeds {
                var rng = SeededRandom(seed: seed &* 7919 &+ UInt64(seq))
                let keep = Int.random(in: 1..<bytes.count, using: &rng)
                var content = inodes[id]!.durable
                for earlier in inodes[id]!.pending where earlier.seq < seq { earlier.apply(to: &content) }
                let torn = RecordingFileIO.DataOp.write(
                    seq: seq, offset: offset, bytes: Array(bytes[..<keep]), durableSizeBefore: before)
                torn.apply(to: &content)
                var contents = current
                contents[id] = content
                let kind = "(c) last unsynced write torn after \(keep) of \(bytes.count) bytes (seed \(seed))"
                dataVariants.append((kind, contents))
            }
        }

        // (d) Unsynced extensions zero-filled.
        var zeroed = durable
        var anyExtension = false
        for (id, inode) in inodes where !inode.pending.isEmpty {
            let size = current[id]!.count
            var content = inode.durable
            if size > content.count {
                content += [UInt8](repeating: 0, count: size - content.count)
                anyExtension = true
            } else {
                content.removeLast(content.count - size)
            }
            zeroed[id] = content
        }
        if anyExtension { dataVariants.append(("(d) unsynced extensions zero-filled", zeroed)) }

        // (e) An earlier unsynced block lost, later ones kept.
        for (id, inode) in inodes.sorted(by: { $0.key < $1.key }) {
            let blocks = pendingBlocks(inode.pending)
            guard blocks.count > 1 else { continue }
            let candidates = Array(0..<blocks.count - 1)
            let chosen = candidates.count <= maxReorderStates
                ? candidates
                : (0..<maxReorderStates).map { candidates[$0 * (candidates.count - 1) / (maxReorderStates - 1)] }
            for dropped in chosen {
                var content = inode.durable
                for (i, block) in blocks.enumerated() where i != dropped { block.apply(to: &content) }
                // The file's size is the one the kept blocks give; the dropped range holds what was durable there.
                var contents = current
                contents[id] = content
                let b = blocks[dropped]
                let kind = "(e) unsynced block \(dropped + 1) of \(blocks.count) lost (\(b.describe)), later kept"
                dataVariants.append((kind, contents))
            }
        }

        for (kind, contents) in dataVariants {
            result.append(state(kind + ", directory changes kept", fullTree, contents))
            if pendingDirs > 0 { result.append(state(kind + ", directory changes dropped", durableTree, contents)) }
        }

        // (f) Prefixes of the pending directory changes (the journal commits them in order).
        if pendingDirs > 0 {
            for k in 1...pendingDirs {
                let tree = point.tree(keepingPending: k)
                let what = "(f) first \(k) of \(pendingDirs) pending directory changes kept"
                result.append(state(what + ", unsynced data dropped", tree, durable))
                result.append(state(what + ", unsynced data kept", tree, current))
            }
        }
        return result
    }

    /// The pending changes of a file cut into block-aligned pieces (truncations stay whole), oldest first.
    static func pendingBlocks(_ ops: [RecordingFileIO.DataOp]) -> [RecordingFileIO.DataOp] {
        var pieces: [RecordingFileIO.DataOp] = []
        for op in ops {
            guard case .write(let seq, let offset, let bytes, let before) = op else {
                pieces.append(op)
                continue
            }
            var start = 0
            while start < bytes.count {
                let fileOffset = offset + start
                let end = min(bytes.count, start + blockSize - fileOffset % blockSize)
                let piece = Array(bytes[start..<end])
                pieces.append(.write(seq: seq, offset: fileOffset, bytes: piece, durableSizeBefore: before))
                start = end
            }
        }
        return pieces
    }
}

extension RecordingFileIO.DataOp {
    /// `bytes 4096..<8192`, `truncate to 0`.
    var describe: String {
        switch self {
        case .write(_, let offset, let bytes, _): return "bytes \(offset)..<\(offset + bytes.count)"
        case .truncate(_, let size): return "truncate to \(size)"
        }
    }
}
