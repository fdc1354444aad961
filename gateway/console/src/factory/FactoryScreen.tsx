export default function FactoryScreen() {
  return <p>Factory floor</p>;
}
