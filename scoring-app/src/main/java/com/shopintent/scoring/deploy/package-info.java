/**
 * How the product is deployed: the Kafka users and their ACLs ({@link com.shopintent.scoring.deploy.AccessPolicy}),
 * and the Strimzi resources of its Kafka cluster generated from the code ({@link com.shopintent.scoring.deploy.StrimziManifests}).
 */
package com.shopintent.scoring.deploy;
