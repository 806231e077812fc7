package dev.portico.gateway.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A table for the terminal: a heading row, then rows, each column as wide as its widest cell. */
final class Columns {

  private final List<String[]> rows = new ArrayList<>();

  Columns(String... headings) {
    rows.add(headings);
  }

  Columns row(String... cells) {
    rows.add(cells);
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
