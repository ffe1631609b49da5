package dev.marquee.data.config;

/** A setting has a value it cannot take. The message is meant for the person who set it. */
public class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingException(String message) {
        super(message);
    }
}
