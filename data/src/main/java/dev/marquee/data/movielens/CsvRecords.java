package dev.marquee.data.movielens;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, a field in double quotes may hold commas, line breaks and
 * doubled quotes ({@code ""}). Records end at CRLF, LF or CR. Reads one record at a time and knows the
 * physical line each record started on, for error messages.
 */
final class CsvRecords {
    private final Reader in;
    private final String source;
    private long line = 1;
    private long recordLine;
    private int pushedBack = -2;
    private boolean started;

    CsvRecords(Reader in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The line the last record returned by {@link #next()} started on. */
    long recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of input. An empty line yields one empty field. */
    List<String> next() throws IOException {
        int c = read();
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>(4);
        StringBuilder field = new StringBuilder(32);
        while (true) {
            if (c == '"' && field.length() == 0) {
                readQuoted(field);
                c = read();
                if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    throw new DataFileException(source, line,
                            "unexpected character '" + (char) c + "' after a closing quote (a quote inside a"
                                    + " quoted field must be doubled: \"\")");
                }
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        unread(d);
                    }
                }
                if (c != -1) {
                    line++;
                }
                fields.add(field.toString());
                return fields;
            } else {
                field.append((char) c);
            }
            c = read();
        }
    }

    private void readQuoted(StringBuilder field) throws IOException {
        long start = line;
        while (true) {
            int c = read();
            if (c == -1) {
                throw new DataFileException(source, start, "quoted field is never closed");
            }
            if (c == '"') {
                int d = read();
                if (d == '"') {
                    field.append('"');
                    continue;
                }
                unread(d);
                return;
            }
            if (c == '\n' || (c == '\r' && peekIsNotLf())) {
                line++;
            }
            field.append((char) c);
        }
    }

    private boolean peekIsNotLf() throws IOException {
        int d = read();
        unread(d);
        return d != '\n';
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        int c = in.read();
        if (!started) {
            started = true;
            // a UTF-8 byte-order mark (Excel, R's fileEncoding="UTF-8-BOM", pandas' utf-8-sig) is not data: left in,
            // it would make a quoted first header field unquoted ("\uFEFF\"user_id\"")
            if (c == '\uFEFF') c = in.read();
        }
        return c;
    }

    private void unread(int c) {
        pushedBack = c;
    }

    /** A field as RFC 4180 writes it: quoted when it holds a comma, quote, line break or edge space. */
    static String quote(String field) {
        boolean needs = field.isEmpty() ? false
                : field.charAt(0) == ' ' || field.charAt(field.length() - 1) == ' ';
        for (int i = 0; !needs && i < field.length(); i++) {
            char c = field.charAt(i);
            needs = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
