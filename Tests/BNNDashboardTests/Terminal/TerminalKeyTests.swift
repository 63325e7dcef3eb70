import CNcursesw
import Testing
@testable import BNNDashboard

/// Decoding `wget_wch` results: what reaches the key bindings for every key a
/// person can press, without a terminal.
@Suite("Terminal keys from wget_wch")
struct TerminalKeyTests {
    /// A character code as `wget_wch` returns it (status OK).
    func character(_ code: UInt32) -> TerminalKey { TerminalKey(wgetStatus: OK, code: code) }
    /// A function key as `wget_wch` returns it (status KEY_CODE_YES).
    func function(_ code: Int32) -> TerminalKey { TerminalKey(wgetStatus: KEY_CODE_YES, code: UInt32(code)) }

    @Test func printableCharactersPassThrough() {
        #expect(character(0x20) == .character(" "))
        #expect(character(UInt32(UInt8(ascii: "q"))) == .character("q"))
        #expect(character(UInt32(UInt8(ascii: "+"))) == .character("+"))
        #expect(character(UInt32(UInt8(ascii: "]"))) == .character("]"))
        #expect(character(UInt32(UInt8(ascii: "0"))) == .character("0"))
        #expect(character(0x7E) == .character("~"))
    }

    @Test func nonASCIITextPassesThrough() {
        #expect(character(0xE9) == .character("é"))
        #expect(character(0x2800) == .character("\u{2800}"))
        #expect(character(0x1F600) == .character("😀"))
    }

    @Test func controlCharacters() {
        #expect(character(0x09) == .tab)
        #expect(character(0x0D) == .enter, "Enter arrives as CR with nonl")
        #expect(character(0x0A) == .enter)
        #expect(character(0x1B) == .escape)
        #expect(character(0x7F) == .backspace, "DEL, what most terminals send for Backspace")
        #expect(character(0x08) == .backspace, "Ctrl-H")
        #expect(character(0x03) == .ctrlC)
    }

    @Test("other control bytes are ignored", arguments: [0x00, 0x01, 0x02, 0x04, 0x0C, 0x1A, 0x1F] as [UInt32])
    func otherControlBytesAreIgnored(_ code: UInt32) {
        #expect(character(code) == .none)
    }

    @Test func invalidScalarsAreIgnored() {
        #expect(character(0xD800) == .none, "a lone surrogate is not a character")
        #expect(character(0x110000) == .none, "beyond Unicode")
    }

    @Test func functionKeys() {
        #expect(function(KEY_UP) == .up)
        #expect(function(KEY_DOWN) == .down)
        #expect(function(KEY_LEFT) == .left)
        #expect(function(KEY_RIGHT) == .right)
        #expect(function(KEY_BTAB) == .backTab)
        #expect(function(KEY_BACKSPACE) == .backspace)
        #expect(function(KEY_ENTER) == .enter)
        #expect(function(KEY_RESIZE) == .resize)
    }

    @Test func unusedFunctionKeysAreIgnored() {
        #expect(function(KEY_HOME) == .none)
        #expect(function(KEY_NPAGE) == .none)
        #expect(function(KEY_DC) == .none)
        #expect(function(KEY_MOUSE) == .none)
    }

    @Test("the status decides how the code is read")
    func statusDecides() {
        // KEY_UP's number as a character code is 'ă' (U+0103), not an arrow.
        #expect(character(UInt32(KEY_UP)) == .character("\u{103}"))
        // A printable code flagged as a function key is not that character.
        #expect(function(Int32(UInt8(ascii: "q"))) == .none)
    }

    @Test("ERR (the poll timed out) is no key, whatever the code")
    func errIsNoKey() {
        #expect(TerminalKey(wgetStatus: ERR, code: 0) == .none)
        #expect(TerminalKey(wgetStatus: ERR, code: UInt32(UInt8(ascii: "q"))) == .none)
        #expect(TerminalKey(wgetStatus: ERR, code: UInt32(KEY_RESIZE)) == .none)
    }
}
