/**
 * Fault injection for the emulator: the sealed {@link dev.keel.emulator.fault.FaultEffect}, its text
 * form ({@link dev.keel.emulator.fault.FaultSpec}), and seeded rules ({@link
 * dev.keel.emulator.fault.FaultPlan}) chosen per route by probability or script.
 */
package dev.keel.emulator.fault;
