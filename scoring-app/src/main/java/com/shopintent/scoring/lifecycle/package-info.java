/**
 * Models that change while the application runs: announcements on the control topic, fetching and
 * verifying the packages they name, and the atomic swap of the serving champion and challenger.
 */
package com.shopintent.scoring.lifecycle;
