import Foundation

/// Reading the dashboard's screen (or its text export) the way a person
/// does: the run table's cells by column title, the chart's plot area, the
/// status line.
///
/// Every panel is text in a grid of one-column characters (braille, box
/// drawing and the state icons are all one column wide in tmux), so a
/// character's index in its line is its column.
enum ScreenReading {
    /// Whether `character` is a braille pattern (U+2800–U+28FF): what the charts draw with.
    static func isBraille(_ character: Character) -> Bool {
        character.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) }
    }

    /// How many braille characters `text` holds.
    static func brailleCount(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + (isBraille($1) ? 1 : 0) }
    }

    /// Whether every character of `text` is 7-bit ASCII.
    static func isASCII(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.isASCII }
    }

    /// The lines of a screen capture or a file.
    static func lines(_ text: String) -> [[Character]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    }

    // MARK: - Chart

    /// The plot area of the chart whose title contains `title` ("Error vs
    /// epoch") in the Unicode look: the rows between the title border and the
    /// x axis, the columns right of the y axis and left of the panel's right
    /// border. Nil when the chart is not on the screen.
    static func plotArea(of text: String, title: String = "Error vs epoch") -> String? {
        let rows = lines(text)
        guard let top = rows.firstIndex(where: { String($0).contains(title) }) else { return nil }
        // The panel's right border: the first top-right corner after the title.
        guard let right = rows[top].firstIndex(of: "╮") else { return nil }
        // The x axis: the first row below whose axis corner lies inside the panel.
        guard let axis = rows[(top + 1)...].firstIndex(where: { $0.count > right && $0[..<right].contains("└") }),
              let yAxis = rows[axis][..<right].firstIndex(of: "└") else { return nil }
        var area: [String] = []
        for row in rows[(top + 1)..<axis] where row.count > yAxis + 1 {
            area.append(String(row[(yAxis + 1)..<min(right, row.count)]))
        }
        return area.joined(separator: "\n")
    }

    /// The chart legend line (below the x axis) of the chart titled `title`:
    /// the first line after the title that names run markers and the
    /// "val"/"train" line styles.
    static func legend(of text: String, title: String = "Error vs epoch") -> String? {
        let rows = lines(text).map { String($0) }
        guard let top = rows.firstIndex(where: { $0.contains(title) }) else { return nil }
        return rows[top...].first { $0.contains(" val") && $0.contains(" train") }
    }

    // MARK: - Run table

    /// The run table: its header line and one line per run.
    struct RunTable: CustomStringConvertible {
        let header: [Character]
        let rows: [[Character]]

        /// Finds the table in `text`: the line that titles the columns "run",
        /// "state", "epoch" and "lr", and the lines below it up to the panel's border.
        init?(_ text: String) {
            let all = ScreenReading.lines(text)
            guard let headerIndex = all.firstIndex(where: { line in
                let words = Set(String(line).split(separator: " ").map(String.init))
                return ["run", "state", "epoch", "lr"].allSatisfy(words.contains)
            }) else { return nil }
            header = all[headerIndex]
            var rows: [[Character]] = []
            for line in all[(headerIndex + 1)...] {
                let content = String(line).trimmingCharacters(in: .whitespaces)
                if content.isEmpty || content.hasPrefix("╰") || content.hasPrefix("+-") { break }
                rows.append(line)
            }
            self.rows = rows
        }

        var description: String { ([header] + rows).map { String($0) }.joined(separator: "\n") }

        /// The line of the run named `run` ("det"): the first row naming it as a word.
        func row(_ run: String) -> [Character]? {
            rows.first { String($0).split(separator: " ").contains { $0 == run } }
        }

        /// The text of `run`'s cell in the right-aligned column titled `column`
        /// ("epoch", "lr"): the word of the row that reaches the title's last column.
        func cell(_ run: String, _ column: String) -> String? {
            guard let row = row(run), let end = ScreenReading.wordEnd(column, in: header), end < row.count,
                  row[end] != " " else { return nil }
            var start = end
            while start > 0 && row[start - 1] != " " { start -= 1 }
            return String(row[start...end])
        }

        /// `run`'s completed epochs (the "3" of "3/30").
        func epoch(_ run: String) -> Int? {
            cell(run, "epoch").flatMap { $0.split(separator: "/").first }.flatMap { Int($0) }
        }

        /// `run`'s learning rate as shown.
        func learningRate(_ run: String) -> Double? {
            cell(run, "lr").flatMap(Double.init)
        }

        /// The state word of `run`'s row ("running", "paused", "done"...).
        func state(_ run: String) -> String? {
            guard let row = row(run) else { return nil }
            let words = String(row).split(separator: " ").map(String.init)
            return words.first { ["starting", "running", "paused", "done", "stopped", "diverged", "failed"].contains($0) }
        }
    }

    /// The index of the last character of the first whole word `word` in `line`.
    static func wordEnd(_ word: String, in line: [Character]) -> Int? {
        let target = Array(word)
        guard line.count >= target.count else { return nil }
        for start in 0...(line.count - target.count) where Array(line[start..<(start + target.count)]) == target {
            let before = start == 0 || line[start - 1] == " "
            let after = start + target.count == line.count || line[start + target.count] == " "
            if before && after { return start + target.count - 1 }
        }
        return nil
    }

    // MARK: - Status lines

    /// The selected run's progress, as the last status line shows it
    /// ("det epoch 22/30 █████░░░  50%"), without the ETA that changes with time.
    static func progress(_ screen: String) -> String? {
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let last = rows.last, let percent = last.firstIndex(of: "%") else { return nil }
        return String(last[...percent]).trimmingCharacters(in: .whitespaces)
    }

    /// The SGR parameters of `capture` (taken with escapes) that set a
    /// foreground or background color: 30–37, 38;…, 40–47, 48;…, 90–97, 100–107.
    static func colorParameters(_ capture: String) -> [String] {
        var found: [String] = []
        var rest = Substring(capture)
        while let escape = rest.range(of: "\u{1B}[") {
            rest = rest[escape.upperBound...]
            guard let end = rest.firstIndex(where: { !($0.isNumber || $0 == ";") }) else { break }
            let parameters = rest[..<end]
            if rest[end] == "m" {
                for value in parameters.split(separator: ";").compactMap({ Int($0) }) {
                    if (30...38).contains(value) || (40...48).contains(value) || (90...97).contains(value)
                        || (100...107).contains(value) {
                        found.append(String(parameters))
                        break
                    }
                }
            }
            rest = rest[end...]
        }
        return found
    }
}
