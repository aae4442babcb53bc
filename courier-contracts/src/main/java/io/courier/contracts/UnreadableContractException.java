package io.courier.contracts;

import java.io.Serial;
import java.util.Objects;

/**
 * A contract file that could not be read: missing, too large, not the format its name says, or
 * using a construct the checker does not know. The message names the file and, for a text
 * format, the line and column ({@code orders.proto:12:3: ...}).
 *
 * <p>Unchecked, like every Courier error; {@code courier contract check} exits with 3 on it.
 */
public final class UnreadableContractException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;

    /**
     * @param file    the file, as the user named it
     * @param line    the line from 1, or 0 when the problem is not at a place in the text
     * @param column  the column from 1, or 0 likewise
     * @param problem what is wrong, and what was expected
     */
    public UnreadableContractException(String file, int line, int column, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + (line > 0 ? ":" + line + ":" + column : "") + ": "
                + Objects.requireNonNull(problem, "problem"), cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /** The same, without a cause. */
    public UnreadableContractException(String file, int line, int column, String problem) {
        this(file, line, column, problem, null);
    }

    /** The file that could not be read. */
    public String file() {
        return file;
    }

    /** The line of the problem, from 1; 0 when it is not at a place in the text. */
    public int line() {
        return line;
    }

    /** The column of the problem, from 1; 0 when it is not at a place in the text. */
    public int column() {
        return column;
    }
}
