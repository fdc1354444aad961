import { gql, type TypedDocumentNode } from '@apollo/client';

export type ProductKind = 'WIDGET' | 'GADGET' | 'GIZMO';
export interface AttributeSpec {
  name: string;
  type: string;
  default: unknown;
  allowed: unknown[] | null;
  min: number | null;
  max: number | null;
}
export interface Product {
  sku: string;
  kind: ProductKind;
  name: string;
  baseSeconds: number;
  attributes: AttributeSpec[];
}

export const PRODUCTS: TypedDocumentNode<{ products: Product[] }, Record<string, never>> = gql`
  query ConsoleProducts {
    products {
      sku
      kind
      name
      baseSeconds
      attributes {
        name
        type
        default
        allowed
        min
        max
      }
    }
  }
`;

export interface CustomerOption {
  id: string;
  name: string;
  email: string;
}
export const CUSTOMER_OPTIONS: TypedDocumentNode<
  { customers: { edges: { node: CustomerOption }[] } },
  { search: string | null; active: boolean | null }
> = gql`
  query ConsoleCustomerOptions($search: String, $active: Boolean) {
    customers(search: $search, active: $active, first: 25) {
      edges {
        node {
          id
          name
          email
        }
      }
    }
  }
`;

export interface LineInput {
  product: ProductKind;
  quantity: number;
  attributes: Record<string, unknown>;
}
export const PLACE_ORDER: TypedDocumentNode<
  { placeOrder: { number: string; status: string } },
  { input: { customerId: string; lines: LineInput[]; clientRequestId: string } }
> = gql`
  mutation ConsolePlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      number
      status
    }
  }
`;
