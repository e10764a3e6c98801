/**
 * Integration tests of tasks declared at runtime on {@code topics.tasks}: dead-lettered before
 * the declaration, predicted, learned and onboarded after it, and still there after a restart.
 */
package io.tandem.tests.onboarding;
