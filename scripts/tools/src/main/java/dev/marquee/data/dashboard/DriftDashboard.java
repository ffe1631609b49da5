package dev.marquee.data.dashboard;

import java.io.IOException;

/**
 * The drift dashboard: a reader that keeps the last reports of the drift-metrics topic in memory and a web
 * server that shows them. {@link #start()} returns the port it serves on; {@link #close()} stops both.
 */
public final class DriftDashboard implements AutoCloseable {
    private final ReportBuffer buffer;
    private final DriftReportReader reader;
    private final DashboardServer server;

    DriftDashboard(DashboardOptions options) {
        this.buffer = new ReportBuffer(options.maxReports());
        this.server = new DashboardServer(options.host(), options.port(), buffer, this::status, options.topic());
        this.reader = new DriftReportReader(options.clientProps(), options.topic(), options.modelName(), buffer);
    }

    /** Binds the server, then starts reading the topic. Returns the bound port. */
    public int start() throws IOException {
        int port = server.start();
        reader.start();
        return port;
    }

    ReaderStatus status() {
        return reader.status();
    }

    /** Reports held now (at most max-reports). */
    int reportsHeld() {
        return buffer.size();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            reader.close();
        }
    }
}
