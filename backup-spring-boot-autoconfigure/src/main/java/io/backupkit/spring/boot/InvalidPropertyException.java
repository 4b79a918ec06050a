package io.backupkit.spring.boot;

import io.backupkit.api.ConfigurationException;

/** A {@code backupkit.*} property has a value that cannot work; the message starts with the property's name. */
public class InvalidPropertyException extends ConfigurationException {
    private static final long serialVersionUID = 1L;
    private final String property;

    public InvalidPropertyException(String property, String problem) {
        this(property, problem, null);
    }

    public InvalidPropertyException(String property, String problem, Throwable cause) {
        super(property + ": " + problem, cause);
        this.property = property;
    }

    /** The full name of the property, e.g. {@code backupkit.schedule.cron}. */
    public String property() {
        return property;
    }
}
