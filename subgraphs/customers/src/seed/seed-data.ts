import { base, de, en, en_GB, en_IE, en_US, Faker, fr, nl, type LocaleDefinition } from '@faker-js/faker';
import { parseInput } from '../validation/parse-input.ts';
import { createCustomerInput, type CreateCustomerInput } from '../customer/customer.validation.ts';

/** Where seeded customers live: a locale for names and streets, a country code, a calling code. */
const MARKETS: { country: string; dialling: string; locale: LocaleDefinition[] }[] = [
  { country: 'GB', dialling: '+44', locale: [en_GB, en, base] },
  { country: 'US', dialling: '+1', locale: [en_US, en, base] },
  { country: 'IE', dialling: '+353', locale: [en_IE, en, base] },
  { country: 'DE', dialling: '+49', locale: [de, en, base] },
  { country: 'FR', dialling: '+33', locale: [fr, en, base] },
  { country: 'NL', dialling: '+31', locale: [nl, en, base] },
];

export const SEED = 20261125;

/**
 * The same `count` realistic customers on every run (a fixed faker seed), each
 * checked by the same validation as createCustomer, with unique emails.
 */
export function seedCustomerData(count: number, seed = SEED): CreateCustomerInput[] {
  const fakers = MARKETS.map((market, index) => {
    const faker = new Faker({ locale: market.locale });
    faker.seed(seed + index);
    return { market, faker };
  });
  const picker = new Faker({ locale: [en, base] });
  picker.seed(seed);

  const emails = new Set<string>();
  const customers: CreateCustomerInput[] = [];
  for (let n = 0; n < count; n++) {
    const { market, faker } = picker.helpers.arrayElement(fakers);
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let email = faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase();
    if (emails.has(email)) email = email.replace('@', `.${n}@`);
    emails.add(email);
    const business = n % 3 === 0;
    customers.push(
      parseInput(
        createCustomerInput,
        {
          name: business ? faker.company.name() : `${firstName} ${lastName}`,
          email,
          phone: `${market.dialling} ${faker.string.numeric({ length: 9, allowLeadingZeros: false })}`,
          address: {
            line1: faker.location.streetAddress(),
            line2: n % 4 === 0 ? faker.location.secondaryAddress() : null,
            city: faker.location.city(),
            postalCode: faker.location.zipCode().replace(/[^A-Za-z0-9 -]/g, ''),
            country: market.country,
          },
        },
        `seed.${n}`,
      ),
    );
  }
  return customers;
}
