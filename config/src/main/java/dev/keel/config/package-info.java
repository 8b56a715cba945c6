/**
 * One configuration model for every knob keel has ({@link dev.keel.config.Settings}), bound from any
 * layered sources of keys — CLI flags, the environment, {@code keel.yaml}, Spring Boot's
 * {@code application.yml} — each value keeping its {@link dev.keel.config.Origin}, validated at
 * start-up with {@code file:line: key: message} problems, and building keel's own configuration
 * records ({@link dev.keel.config.KeelConfig}).
 */
package dev.keel.config;
