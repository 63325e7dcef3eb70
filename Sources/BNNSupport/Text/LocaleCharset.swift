/// Whether the user's locale (LANG, LC_ALL, LC_CTYPE) writes UTF-8: the one test the
/// dashboard and the text commands use to fall back to plain ASCII (braille, box drawing,
/// "·" and "█" are mojibake on a non-UTF-8 terminal).
public enum LocaleCharset {
    /// Sets the process's character type from the environment (`setlocale(LC_CTYPE, "")`)
    /// and says whether it is UTF-8.
    public static func environmentIsUTF8() -> Bool {
        _ = setlocale(LC_CTYPE, "")
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
