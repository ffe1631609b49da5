package dev.marquee.data.movielens;

import java.util.Objects;

/** One line of {@code u.user}. The rating events use {@code String.valueOf(id)} as the user id. */
public record User(int id, int age, String gender, String occupation, String zip) {
    public User {
        Objects.requireNonNull(gender, "gender");
        Objects.requireNonNull(occupation, "occupation");
        Objects.requireNonNull(zip, "zip");
    }
}
