import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory made read-only for real, for the tests of a database that cannot be written: as root (who ignores
/// permission bits) a read-only bind mount of it (`mount --bind` + `remount,ro`), otherwise `chmod a-w` on it and
/// every directory and file inside. `nil`, with ``skipReason`` set, when neither works here (root without the right
/// to mount, as in some containers): the caller prints the reason and skips.
final class ReadOnlyFileSystem {
    /// Why the last ``init(making:)`` returned `nil`.
    nonisolated(unsafe) static var skipReason = ""

    /// The read-only view of the directory (the directory itself when chmod was used).
    let path: String
    /// `EROFS` for the bind mount, `EACCES` for chmod: what an attempt to write it fails with.
    let errno: Int32
    private let chmodded: [String]

    init?(making directory: String) {
        if getuid() != 0 {
            var all = [directory]
            let e = FileManager.default.enumerator(atPath: directory)
            while let rel = e?.nextObject() as? String { all.append(directory + "/" + rel) }
            for p in all { chmod(p, ReadOnlyFileSystem.isDirectory(p) ? 0o555 : 0o444) }
            path = directory
            errno = EACCES
            chmodded = all
            return
        }
        let view = directory + ".ro"
        mkdir(view, 0o755)
        let bind = ReadOnlyFileSystem.run(["mount", "--bind", directory, view])
        let ro = bind.isEmpty ? ReadOnlyFileSystem.run(["mount", "-o", "remount,ro,bind", view]) : bind
        if !ro.isEmpty {
            if bind.isEmpty { _ = ReadOnlyFileSystem.run(["umount", view]) }
            rmdir(view)
            ReadOnlyFileSystem.skipReason = "running as root and cannot make a read-only bind mount: \(ro)"
            return nil
        }
        path = view
        errno = EROFS
        chmodded = []
    }

    deinit {
        if errno == EROFS {
            _ = ReadOnlyFileSystem.run(["umount", path])
            rmdir(path)
        }
        for p in chmodded { chmod(p, ReadOnlyFileSystem.isDirectory(p) ? 0o755 : 0o644) }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Runs a program; "" on success, else what went wrong.
    private static func run(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return "\(error)" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return process.terminationStatus == 0 ? "" : "\(arguments.joined(separator: " ")): exit \(process.terminationStatus) \(text)"
    }
}
