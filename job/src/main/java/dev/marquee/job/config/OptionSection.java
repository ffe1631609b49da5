package dev.marquee.job.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/** The options documented in one table of docs/CONFIGURATION.md, in the table's order. */
public final class OptionSection {
    private final String id;
    private final List<OptionRow> rows;

    private OptionSection(String id, List<OptionRow> rows) {
        this.id = id;
        this.rows = Collections.unmodifiableList(rows);
    }

    /** A section; the template places its table at {@code <!-- options: id -->}. */
    public static OptionSection of(String id, Object... entries) {
        List<OptionRow> rows = new ArrayList<>();
        for (Object e : entries) {
            if (e instanceof OptionRow) rows.add((OptionRow) e);
            else if (e instanceof ConfigOption) rows.add(OptionRow.of((ConfigOption<?>) e));
            else throw new IllegalArgumentException("not an option: " + e);
        }
        return new OptionSection(id, rows);
    }

    public String id() {
        return id;
    }

    public List<OptionRow> rows() {
        return rows;
    }

    /** The keys of its options (families excluded). */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (OptionRow r : rows) {
            if (r.option() != null) keys.add(r.key());
        }
        return keys;
    }

    /** The keys of the options of every section. */
    public static Set<String> keys(List<OptionSection> sections) {
        Set<String> keys = new LinkedHashSet<>();
        sections.forEach(s -> keys.addAll(s.keys()));
        return keys;
    }
}
