import Testing

@testable import LineDB

/// Bit-at-a-time CRC-32C, the definition the table-driven version must agree with.
private func referenceCRC32C(_ bytes: some Sequence<UInt8>, initial: UInt32 = 0) -> UInt32 {
    var crc = ~initial
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

@Suite struct CRC32CTests {
    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.hex(CRC32C.checksum(Array("123456789".utf8))) == "e3069283")
    }

    @Test func knownVectors() {
        // RFC 3720 (iSCSI), appendix B.4.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x2262_0404)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([0x61]) == 0xC1D0_4330)  // "a"
    }

    @Test func emptyInputKeepsInitial() {
        #expect(CRC32C.checksum(UnsafeRawBufferPointer(start: nil, count: 0), initial: 0x1234_5678) == 0x1234_5678)
        [UInt8]().withUnsafeBytes { #expect(CRC32C.checksum($0, initial: 0xDEAD_BEEF) == 0xDEAD_BEEF) }
    }

    @Test func typedBufferOverload() {
        let data = Array("123456789".utf8)
        data.withUnsafeBufferPointer { buffer in
            #expect(CRC32C.checksum(buffer) == 0xE306_9283)
            let first = CRC32C.checksum(UnsafeBufferPointer(rebasing: buffer[0..<4]))
            #expect(CRC32C.checksum(UnsafeBufferPointer(rebasing: buffer[4...]), initial: first) == 0xE306_9283)
        }
    }

    @Test func matchesBitwiseReferenceAtEveryLengthAndAlignment() {
        var rng = SplitMix64(state: 7)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        data.withUnsafeBytes { all in
            for start in 0..<9 {
                for length in 0...(data.count - start) {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.checksum(slice) == referenceCRC32C(data[start..<(start + length)]),
                        "start \(start) length \(length)")
                }
            }
        }
    }

    @Test func incremental() {
        var rng = SplitMix64(state: 99)
        let data = (0..<200).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = CRC32C.checksum(data)
        #expect(whole == referenceCRC32C(data))
        for split in 0...data.count {
            let a = Array(data[..<split])
            let b = Array(data[split...])
            let first = CRC32C.checksum(a)
            let continued = b.withUnsafeBytes { CRC32C.checksum($0, initial: first) }
            #expect(continued == whole, "split at \(split)")
        }
        // Three pieces, including an empty one.
        let pieces = [Array(data[0..<13]), [], Array(data[13..<150]), Array(data[150...])]
        var crc: UInt32 = 0
        for piece in pieces { crc = piece.withUnsafeBytes { CRC32C.checksum($0, initial: crc) } }
        #expect(crc == whole)
    }

    @Test func largeBuffer() {
        var rng = SplitMix64(state: 3)
        let data = (0..<(1 << 16) + 5).map { _ in UInt8.random(in: 0...255, using: &rng) }
        #expect(CRC32C.checksum(data) == referenceCRC32C(data))
    }

    @Test func hexIsEightLowercaseDigits() {
        #expect(CRC32C.hex(0) == "00000000")
        #expect(CRC32C.hex(0xA) == "0000000a")
        #expect(CRC32C.hex(0xFFFF_FFFF) == "ffffffff")
        #expect(CRC32C.hex(0x0123_ABCD) == "0123abcd")
    }
}
