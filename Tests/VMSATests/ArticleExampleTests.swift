import Testing
import VMSA

/// The Swift example of the DocC article "Decoding a value from a crash log",
/// run as written, with the values the article states.
@Suite struct ArticleExampleTests {
    @Test func decodingACrashLogValue() throws {
        let format = try DescriptorFormat(granule: .k4, ds: false, paBits: 48)
        let entry = Descriptor(rawValue: 0x0068_0000_0000_0703)
        let fields = DescriptorFields(decoding: entry.rawValue, level: .three, format: format)
        #expect(fields.kind == .page)
        #expect(fields.af && fields.pxn && fields.uxn && fields.dbm)
        #expect(fields.sh == .innerShareable && fields.ap == .privilegedReadWrite)
        #expect(entry.problems(at: .three, format: format).isEmpty)
    }
}
