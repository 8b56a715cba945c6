/** Reading the files people hand keel (configuration, schemas, price tables, fault rules) strictly and with clear errors. */
package dev.keel.wire.io;
