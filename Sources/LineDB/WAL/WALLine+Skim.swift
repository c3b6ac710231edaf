extension WALLine {
    /// The LSN of a sealed line whose checksum matches, read without decoding the line: for scans that need only
    /// a few of a file's entries (a record's history) and must still check every line (checksum, LSN sequence).
    ///
    /// The seal is tested as ``decode(_:lineNumber:byteOffset:impliedLSN:)`` tests it; the LSN is the top-level
    /// `"lsn"` member, which LineDB writes after `record` and `old_record`: searching back from the seal, the first
    /// `,"lsn":` is it (a nested one comes earlier, and a string cannot hold an unescaped quote).
    ///
    /// - Returns: `nil` when the line is not sealed, its checksum does not match or it has no such member: the
    ///   caller decodes it, which says what is wrong.
    static func skimLSN(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = line.count
        guard n > sealLength + 1, line[n - 1] == UInt8(ascii: "}"), line[n - 2] == UInt8(ascii: "\"") else { return nil }
        let s = n - sealLength
        for i in 0..<sealPrefix.count where line[s + i] != sealPrefix[i] { return nil }
        var stored: UInt32 = 0
        for i in 0..<8 {
            let c = line[s + 8 + i]
            switch c {
            case 48...57: stored = stored << 4 | UInt32(c - 48)
            case 97...102: stored = stored << 4 | UInt32(c - 87)
            default: return nil
            }
        }
        guard CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[0..<s]))) == stored else { return nil }
        let member: [UInt8] = Array(#","lsn":"#.utf8)
        var i = s - member.count
        while i >= 0 {
            if line[i] == member[0] {
                var match = true
                for k in 1..<member.count where line[i + k] != member[k] { match = false; break }
                if match {
                    var j = i + member.count
                    var value = 0
                    var digits = 0
                    while j < s, line[j] >= 48, line[j] <= 57, digits < 18 {
                        value = value * 10 + Int(line[j] - 48)
                        j += 1
                        digits += 1
                    }
                    return digits > 0 ? value : nil
                }
            }
            i -= 1
        }
        return nil
    }
}
