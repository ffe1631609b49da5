package dev.marquee.model;

import java.nio.file.Path;

/** Gives the registry at args[0] its id, in a JVM of its own (a writer with another umask). */
public final class RegistryIdMain {
    public static void main(String[] args) {
        System.out.println(new ModelRegistry(Path.of(args[0])).idOrMake().orElse("none"));
    }
}
