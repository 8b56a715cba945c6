/** The emulator's routes, fake model and stores. Not API: may change without notice. */
package dev.keel.emulator.internal;
