//! Columns for humans, measured in terminal cells rather than characters or bytes: a CJK
//! character takes two cells (`unicode-width`), so Chinese device, merchant and bank names
//! line up with English ones. Display only: nothing here decides anything about the data.

use unicode_width::UnicodeWidthStr as _;

/// Cells between two columns.
const GAP: &str = "  ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Amounts: their last digits line up.
    Right,
}

/// Rows of cells printed as aligned columns. A column empty in every row is left out, and no
/// line ends in spaces.
#[derive(Debug)]
pub struct Table {
    align: Vec<Align>,
    indent: String,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table whose columns are aligned as `align` says (one entry per column).
    pub fn new(align: &[Align]) -> Self {
        Self {
            align: align.to_vec(),
            indent: String::new(),
            rows: Vec::new(),
        }
    }

    /// Every line starts with `indent`.
    pub fn indent(mut self, indent: &str) -> Self {
        indent.clone_into(&mut self.indent);
        self
    }

    /// Adds a row; missing cells are empty, extra cells are dropped.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut row: Vec<String> = cells
            .into_iter()
            .take(self.align.len())
            .map(|c| printable(c.as_ref()))
            .collect();
        row.resize(self.align.len(), String::new());
        self.rows.push(row);
    }

    /// The aligned lines, one per row.
    pub fn lines(&self) -> Vec<String> {
        let widths: Vec<usize> = (0..self.align.len())
            .map(|col| self.rows.iter().map(|r| width(&r[col])).max().unwrap_or(0))
            .collect();
        let shown: Vec<usize> = (0..self.align.len()).filter(|&c| widths[c] > 0).collect();
        self.rows
            .iter()
            .map(|row| {
                let cells: Vec<String> = shown
                    .iter()
                    .map(|&c| match self.align[c] {
                        Align::Left => pad(&row[c], widths[c]),
                        Align::Right => pad_left(&row[c], widths[c]),
                    })
                    .collect();
                let line = format!("{}{}", self.indent, cells.join(GAP));
                line.trim_end().to_owned()
            })
            .collect()
    }

    /// Prints the lines on stdout.
    pub fn print(&self) {
        for line in self.lines() {
            println!("{line}");
        }
    }
}

/// How many terminal cells `text` takes (CJK characters two, combining marks none).
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` followed by spaces up to `columns` terminal cells (unchanged when already as wide).
pub fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// Spaces up to `columns` terminal cells, then `text`.
pub fn pad_left(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

/// `text` with control characters (a line break in a merchant's name, a terminal escape in a
/// scanned code) shown as `\n`, `\u{1b}`: one line, and nothing the terminal would obey.
pub fn printable(text: &str) -> String {
    escape(text, false)
}

/// [`printable`] for whole lines of output, which keeps the line breaks the layout puts in.
/// Every line for humans goes through it (`output.rs`'s `say!`), so text from outside (a
/// scanned code, a name, a note, a server's message) never reaches the terminal raw.
pub fn printable_lines(text: &str) -> String {
    escape(text, true)
}

/// The one escaping function: C0 controls, DEL, C1 controls (ESC and CSI among them) and the
/// Unicode direction overrides and isolates, which reorder what follows on screen, are shown
/// as Rust escapes (`\u{1b}`, `\u{202e}`); `\n` is kept only when `keep_newlines`.
fn escape(text: &str, keep_newlines: bool) -> String {
    let hidden = |c: char| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_takes_two_cells() {
        assert_eq!(width("CRC"), 3);
        assert_eq!(width("城市"), 4);
        assert_eq!(width("国家/地区"), 9);
        assert_eq!(width("¥12.50"), 6);
        assert_eq!(pad("CRC", 6), "CRC   ");
        assert_eq!(pad("城市", 6), "城市  ");
        assert_eq!(pad("国家/地区", 10), "国家/地区 ");
        assert_eq!(pad("much too long", 4), "much too long");
        assert_eq!(pad_left("¥8.80", 8), "   ¥8.80");
    }

    /// The column after a CJK name starts at the same terminal column on every line.
    #[test]
    fn columns_after_cjk_names_line_up() {
        let mut t = Table::new(&[Align::Left, Align::Left, Align::Right, Align::Left]);
        t.row(["dev_1", "李明的手机", "¥1.00", "cli"]);
        t.row(["dev_22", "Work laptop", "¥100.00", "cli"]);
        t.row(["dev_333", "兰州拉面 Lanzhou", "¥12,345.67", "desktop"]);
        let lines = t.lines();
        assert_eq!(
            lines,
            [
                "dev_1    李明的手机             ¥1.00  cli",
                "dev_22   Work laptop          ¥100.00  cli",
                "dev_333  兰州拉面 Lanzhou  ¥12,345.67  desktop",
            ]
        );
        // Where each column starts, in cells, is the same on every line.
        let starts = |line: &str, cell: &str| width(&line[..line.find(cell).unwrap()]);
        assert_eq!(starts(&lines[0], "cli"), starts(&lines[1], "cli"));
        assert_eq!(starts(&lines[1], "cli"), starts(&lines[2], "desktop"));
        assert_eq!(starts(&lines[0], "李明"), starts(&lines[2], "兰州"));
        // Right-aligned amounts end at the same cell.
        let ends = |line: &str, cell: &str| width(&line[..line.find(cell).unwrap() + cell.len()]);
        assert_eq!(ends(&lines[0], "¥1.00"), ends(&lines[2], "¥12,345.67"));
    }

    #[test]
    fn empty_columns_and_trailing_spaces_are_left_out() {
        let mut t = Table::new(&[Align::Left, Align::Left, Align::Left]).indent("  ");
        t.row(["a", "", "[默认]"]);
        t.row(["bbb", "", ""]);
        t.row(["cc"]);
        assert_eq!(t.lines(), ["  a    [默认]", "  bbb", "  cc"]);
        assert!(Table::new(&[Align::Left]).lines().is_empty());
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(printable("Lucky Noodles"), "Lucky Noodles");
        assert_eq!(printable("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
        let mut t = Table::new(&[Align::Left, Align::Left]);
        t.row(["x\ty", "z"]);
        assert_eq!(t.lines(), ["x\\ty  z"]);
    }

    /// C0 (ESC, BEL, CR), DEL, C1 (CSI U+009B, OSC U+009D) and direction overrides are shown
    /// escaped; whole lines keep their line breaks and nothing else.
    #[test]
    fn every_control_is_escaped_and_lines_keep_only_newlines() {
        let nasty = "a\u{1b}]0;pwned\u{7}b\rc\u{7f}d\u{9b}2Je\u{9d}f\u{202e}g\u{2066}h";
        let shown = printable(nasty);
        assert_eq!(
            shown,
            "a\\u{1b}]0;pwned\\u{7}b\\rc\\u{7f}d\\u{9b}2Je\\u{9d}f\\u{202e}g\\u{2066}h"
        );
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(printable_lines("one\ntwo\u{1b}[2J"), "one\ntwo\\u{1b}[2J");
        assert_eq!(printable("one\ntwo"), "one\\ntwo");
        assert_eq!(printable_lines("李明 · ¥12.50 🍜"), "李明 · ¥12.50 🍜");
    }
}
