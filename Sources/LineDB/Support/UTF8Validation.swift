/// Where bytes stop being UTF-8: the one check behind every "not valid UTF-8 (byte N)" message (an import file,
/// a record given to `linedb insert` as an argument or on standard input). Nothing is ever repaired into U+FFFD.
package enum UTF8Validation {
    /// The offset of the first byte that does not begin a valid UTF-8 sequence (an overlong form, a surrogate, a
    /// stray continuation byte, a sequence cut short), or `nil` when all of `bytes` is valid UTF-8.
    package static func firstInvalidByte<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
