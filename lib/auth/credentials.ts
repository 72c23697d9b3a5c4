// What a person types to get in: validated at the edge, the same rules everywhere.
import { z } from "zod";

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email({ error: "not an email address" })).pipe(z.string().max(254));
export const passwordSchema = z.string().min(10, "at least 10 characters").max(256, "at most 256 characters");
export const nameSchema = z.string().trim().min(1, "required").max(120);

export const signInSchema = z.object({ email: emailSchema, password: z.string().min(1).max(256) });
export const newUserSchema = z.object({ email: emailSchema, name: nameSchema, password: passwordSchema });
