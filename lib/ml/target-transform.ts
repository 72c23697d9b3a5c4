// A regression target fitted on a transformed scale (`target_transform`), as scikit-learn's
// TransformedTargetRegressor: the model learns f(y), every prediction is f⁻¹ of its output,
// and the metrics compare predictions with the target on its own scale.
import type { TargetTransform } from "./config";
import { MlInputError } from "./errors";

/** f(y) for every value (NaN stays NaN); a value outside f's domain is an error naming the target. */
export function transformTarget(transform: TargetTransform, values: Float64Array, name: string): Float64Array {
  switch (transform) {
    case "none":
      return values;
    case "log1p":
      return values.map((value) => {
        if (value <= -1) throw outOfDomain(transform, name, value, "greater than -1");
        return Math.log1p(value);
      });
    case "sqrt":
      return values.map((value) => {
        if (value < 0) throw outOfDomain(transform, name, value, "0 or more");
        return Math.sqrt(value);
      });
    default: {
      const unexpected: never = transform;
      return unexpected;
    }
  }
}

/** f⁻¹ of each model output, back on the target's scale. */
export function invertTarget(transform: TargetTransform, outputs: Float64Array): Float64Array {
  switch (transform) {
    case "none":
      return outputs;
    case "log1p":
      return outputs.map(Math.expm1);
    case "sqrt":
      // A model can step below 0 on the root scale; the square's inverse starts at 0.
      return outputs.map((output) => Math.max(0, output) ** 2);
    default: {
      const unexpected: never = transform;
      return unexpected;
    }
  }
}

function outOfDomain(transform: TargetTransform, name: string, value: number, needs: string): MlInputError {
  return new MlInputError("target_transform", `${transform} needs every "${name}" ${needs}; found ${value}`);
}
