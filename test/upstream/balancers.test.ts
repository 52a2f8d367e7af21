import { BALANCER_ALGORITHMS } from "../../src/upstream/balancers/index.ts";
import { balancerCase } from "./balancer.case.ts";

for (const algorithm of BALANCER_ALGORITHMS) balancerCase(algorithm);
