#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LineDB

/// The command line as the kernel gave it, before Swift decodes it.
///
/// `CommandLine.arguments` repairs invalid UTF-8 (each bad byte becomes U+FFFD), so a record given to `insert`,
/// a `--set` value or a table name with such bytes would be stored or used changed, silently. `linedb` reads the
/// raw bytes of `argv` first and refuses any argument that is not valid UTF-8, naming it and the byte, before
/// anything is opened or written (a file whose name is not UTF-8 cannot be named through the repaired text either).
enum RawArguments {
    /// The arguments (without the program name) as bytes.
    static func bytes() -> [[UInt8]] {
        (1..<Int(CommandLine.argc)).map { i in
            guard let pointer = CommandLine.unsafeArgv[i] else { return [] }
            return Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer)))
                .map { UInt8(bitPattern: $0) }
        }
    }

    /// Throws a usage error for the first argument that is not valid UTF-8.
    static func requireUTF8() throws(UsageError) {
        for (i, argument) in bytes().enumerated() {
            if let offset = UTF8Validation.firstInvalidByte(argument) {
                let shown = VisibleText.escaped(String(decoding: argument, as: UTF8.self))
                let clipped = shown.count > 60 ? String(shown.prefix(57)) + "..." : shown
                throw UsageError(
                    "argument \(i + 1) ('\(clipped)') is not valid UTF-8: at byte offset \(offset) "
                        + "(0x\(String(argument[offset], radix: 16, uppercase: true))); nothing was changed")
            }
        }
    }
}
