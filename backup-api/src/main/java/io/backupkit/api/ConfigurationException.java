package io.backupkit.api;

/** The engine or a request is configured wrongly. Thrown before anything is changed. */
public class ConfigurationException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(ErrorCode.CONFIGURATION, message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(ErrorCode.CONFIGURATION, message, cause);
    }
}
