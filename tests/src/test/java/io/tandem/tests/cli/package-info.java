/** Integration tests of the {@code tandem} command line against the shared real broker. */
package io.tandem.tests.cli;
