/**
 * File and topic plumbing for the CLI: reading JSON-lines files byte for byte, replaying them into
 * a topic with a progress bar, and creating missing topics.
 */
package io.tandem.streams.io;
