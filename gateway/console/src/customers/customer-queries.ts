import { gql, type TypedDocumentNode } from '@apollo/client';

export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}
export interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  address: Address | null;
  active: boolean;
  version: number;
  updatedAt: string;
}
interface Connection {
  customers: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: Customer }[];
  };
}

const FIELDS = `id name email phone active version updatedAt address { line1 line2 city postalCode country }`;

export const CUSTOMERS: TypedDocumentNode<
  Connection,
  { search?: string | null; active?: boolean | null; first: number; after?: string | null }
> = gql`
  query ConsoleCustomers($search: String, $active: Boolean, $first: Int!, $after: String) {
    customers(search: $search, active: $active, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ${FIELDS} } }
    }
  }
`;

export const CUSTOMER: TypedDocumentNode<{ customer: Customer | null }, { id: string }> = gql`
  query ConsoleCustomer($id: ID!) { customer(id: $id) { ${FIELDS} } }
`;

export interface CustomerInput {
  name: string;
  email: string;
  phone?: string | null;
  address?: Omit<Address, 'line2'> & { line2?: string | null };
}

export const CREATE_CUSTOMER: TypedDocumentNode<{ createCustomer: Customer }, { input: CustomerInput }> = gql`
  mutation ConsoleCreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { ${FIELDS} } }
`;

export const UPDATE_CUSTOMER: TypedDocumentNode<
  { updateCustomer: Customer },
  { id: string; input: CustomerInput & { version: number } }
> = gql`
  mutation ConsoleUpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, input: $input) { ${FIELDS} }
  }
`;

export const ARCHIVE_CUSTOMER: TypedDocumentNode<{ deleteCustomer: Customer }, { id: string }> = gql`
  mutation ConsoleArchiveCustomer($id: ID!) { deleteCustomer(id: $id) { ${FIELDS} } }
`;
