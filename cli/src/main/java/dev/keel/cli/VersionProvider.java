package dev.keel.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads keel's version from the jar manifest ({@code dev} when run from classes). */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "keel " + (v == null ? "dev" : v),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
