/**
 * How the product is deployed: the Kafka users and their ACLs ({@link com.shopintent.scoring.deploy.AccessPolicy}),
 * the Strimzi resources of its Kafka cluster generated from the code ({@link com.shopintent.scoring.deploy.StrimziManifests}),
 * and the capacity a target rate needs ({@link com.shopintent.scoring.deploy.CapacityPlan}).
 */
package com.shopintent.scoring.deploy;
