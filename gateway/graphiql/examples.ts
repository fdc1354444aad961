/** Tabs GraphiQL opens with: the everyday operations of the floor. */
export const exampleTabs = [
  {
    query: `# Paste a token into the Headers tab below: npm run token -- --role operator
query ListFactories {
  factories {
    id
    name
    productionLines
    queued
    inProduction
    completed
    product { sku name kind }
  }
}`,
  },
  {
    query: `mutation CreateCustomer($input: CreateCustomerInput!) {
  createCustomer(input: $input) { id name email active }
}`,
    variables: JSON.stringify({ input: { name: 'Ada Lovelace', email: 'ada@example.com' } }, null, 2),
  },
  {
    query: `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { number status lines { product quantity attributes } }
}`,
    variables: JSON.stringify(
      {
        input: {
          customerId: 'paste-a-customer-id',
          lines: [{ product: 'WIDGET', quantity: 2, attributes: { color: 'red' } }],
        },
      },
      null,
      2,
    ),
  },
  {
    query: `subscription WatchOrder($number: String) {
  orderUpdated(number: $number) {
    number
    status
    customer { name }
    lines { product quantity productionOrder { status startedAt completedAt } }
  }
}`,
    variables: JSON.stringify({ number: 'ORD-000001' }, null, 2),
  },
];
