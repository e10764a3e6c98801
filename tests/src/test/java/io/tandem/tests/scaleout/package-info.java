/**
 * Scale-out on the embedded broker: several in-process Tandem instances of one application
 * (separate state directories and HTTP ports) sharing 4 partitions. Replica sync keeps the
 * stream tasks' dense parameters close and leaves quality as one instance's; adding and removing
 * an instance mid-stream loses no prediction; a promotion published by one stream task is
 * applied by the others.
 */
package io.tandem.tests.scaleout;
