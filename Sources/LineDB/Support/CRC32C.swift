/// CRC-32C (Castagnoli), as used by iSCSI, ext4, LevelDB and many log formats: reflected polynomial 0x82F63B78,
/// initial value and final XOR 0xFFFFFFFF, so the checksum of the ASCII bytes `123456789` is 0xE3069283.
///
/// Neither the standard library, Foundation on Linux nor the packages LineDB depends on provide CRC-32C
/// (zlib's crc32 uses the other, IEEE polynomial), so it is implemented here with the slicing-by-8 table method.
package enum CRC32C {
    /// The CRC-32C of `bytes`. Pass a previous result as `initial` to continue it:
    /// `checksum(b, initial: checksum(a)) == checksum(a + b)`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return initial }
        var remaining = bytes.count
        var crc = ~initial
        crc32cTables.withUnsafeBufferPointer { t in
            while remaining >= 8 {
                let word = p.loadUnaligned(as: UInt64.self).littleEndian
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 &* 256 &+ Int(low & 0xFF)]
                    ^ t[6 &* 256 &+ Int((low >> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int((low >> 16) & 0xFF)]
                    ^ t[4 &* 256 &+ Int(low >> 24)]
                    ^ t[3 &* 256 &+ Int(high & 0xFF)]
                    ^ t[2 &* 256 &+ Int((high >> 8) & 0xFF)]
                    ^ t[1 &* 256 &+ Int((high >> 16) & 0xFF)]
                    ^ t[Int(high >> 24)]
                p += 8
                remaining &-= 8
            }
            while remaining > 0 {
                crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                p += 1
                remaining &-= 1
            }
        }
        return ~crc
    }

    /// The CRC-32C of `bytes`, continuing `initial` as above.
    package static func checksum(_ bytes: UnsafeBufferPointer<UInt8>, initial: UInt32 = 0) -> UInt32 {
        checksum(UnsafeRawBufferPointer(bytes), initial: initial)
    }

    /// The CRC-32C of `bytes`.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// `crc` as 8 lowercase hexadecimal digits, e.g. `e3069283`.
    package static func hex(_ crc: UInt32) -> String {
        let digits: StaticString = "0123456789abcdef"
        let d = digits.utf8Start
        var out: [UInt8] = []
        out.reserveCapacity(8)
        for shift in stride(from: 28, through: 0, by: -4) {
            out.append(d[Int((crc >> UInt32(shift)) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Slicing-by-8 lookup tables: table k (entries k*256 ..< (k+1)*256) is the CRC of a byte followed by k zero bytes.
private let crc32cTables: [UInt32] = {
    var tables = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
        var crc = UInt32(i)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        tables[i] = crc
    }
    for k in 1..<8 {
        for i in 0..<256 {
            let previous = tables[(k - 1) * 256 + i]
            tables[k * 256 + i] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
        }
    }
    return tables
}()
