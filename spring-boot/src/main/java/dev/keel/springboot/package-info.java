/**
 * Spring Boot 4.0 auto-configuration for keel: {@link dev.keel.springboot.KeelAutoConfiguration} binds
 * the keel configuration model ({@code dev.keel.config}) from the application's properties under
 * {@code keel.} and builds keel's objects, each replaceable by an application bean of the same type.
 */
package dev.keel.springboot;
