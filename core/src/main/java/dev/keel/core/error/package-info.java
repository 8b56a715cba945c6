/** keel's errors: the {@link dev.keel.core.error.KeelException} root, its rejection subtypes and {@link dev.keel.core.error.ErrorKind}. */
package dev.keel.core.error;
