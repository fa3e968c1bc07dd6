/** Request and response shapes of POST /api/agent/chat (SPEC §3). */
import { z } from "@hono/zod-openapi";
import { MAX_MESSAGE_CHARS } from "../../agent/turn.js";

export const ChatBody = z
  .object({
    message: z
      .string()
      .trim()
      .min(1)
      .max(MAX_MESSAGE_CHARS)
      .openapi({ example: "Посоветуй что-то для расслабления" }),
    conversationHistory: z
      .array(z.unknown())
      .max(100)
      .optional()
      .openapi({ description: "Ignored: the server's stored history is what the assistant sees" }),
    useStock: z.boolean().optional().openapi({ description: "Only recommend products in stock" }),
    userContext: z.string().max(4000).optional().openapi({ description: "Ignored for identity" }),
    language: z
      .string()
      .trim()
      .max(10)
      .optional()
      .openapi({ example: "ru", description: "A hint; the message's language wins" }),
    conversationId: z
      .uuid()
      .optional()
      .openapi({ description: "Continue this conversation (only if it is yours)" }),
    stream: z.boolean().default(true).openapi({ description: "SSE chunks (default) or one JSON object" }),
  })
  .openapi("ChatRequest");

export const ProductCardSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    category: z.string(),
    type: z.string().nullable(),
    thc: z.number().nullable(),
    cbg: z.number().nullable(),
    effects: z.array(z.string()),
    imageUrl: z.string().nullable(),
    inStock: z.boolean(),
    unit: z.enum(["g", "pcs"]),
    minQuantity: z.string(),
    currency: z.string(),
    prices: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(["weight", "variant"]),
        label: z.string(),
        price: z.string(),
        grams: z.string().nullable().openapi({ description: 'Pack weight of a weight tier, e.g. "20"' }),
        variantId: z
          .string()
          .optional()
          .openapi({ description: "Variant goods: the order line's variantId" }),
        stock: z.number().nullable().optional(),
      }),
    ),
  })
  .openapi("ProductCard");

export const ChatFinal = z
  .object({
    done: z.literal(true),
    content: z.string().openapi({ description: "The whole reply (stream:false only)" }).optional(),
    suggestedProducts: z.array(z.string()),
    productCards: z.array(ProductCardSchema),
    conversationId: z.string(),
    userId: z.string(),
    notificationSent: z.boolean(),
    language: z.string(),
    orderNumber: z.string().optional(),
    silent: z
      .boolean()
      .openapi({ description: "Staff have taken this conversation over: no assistant reply" }),
    timing: z.object({ total: z.number(), processing: z.number() }),
  })
  .openapi("ChatResponse");
